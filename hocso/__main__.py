"""`python -m hocso` is the same as the `hocso` command."""

from hocso.cli import main

main()
