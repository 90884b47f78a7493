"""`python -m hikisup_xl` is the `hikisup` command."""

from .entry import main

main()
