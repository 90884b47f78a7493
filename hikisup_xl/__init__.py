"""hikisup_xl: register, dispatch and reporting for a hikikomori-supporter scheme, in Excel."""

__version__ = "0.1.0"
