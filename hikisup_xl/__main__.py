"""`python -m hikisup_xl` is the `hikisup` command."""

from .cli import main

main()
