"""`workspace -c INI <command>`: one entry point; each command lives in a small module."""
import argparse
import sys

from ..mail import disable_mail_threads
from ..search import disable_background_indexer
from ..views.layout import disable_template_compilation
from . import mailin
from . import accounts, archive, backup, demo, imports, index

COMMAND_MODULES = (accounts, demo, index, backup, archive, imports)

COMMAND_MODULES += (mailin,)


def main(argv=None):
    parser = argparse.ArgumentParser(prog="workspace", description=__doc__)
    parser.add_argument("-c", "--config", default="development.ini",
                        help="the ini file of the site (default: development.ini)")
    commands = parser.add_subparsers(dest="command", required=True)
    for module in COMMAND_MODULES:
        module.register(commands)
    args = parser.parse_args(argv)
    disable_background_indexer()  # commands queue index tasks; the site applies them
    disable_mail_threads()  # and mail jobs: the site sends them
    disable_template_compilation()  # and serve no page
    return args.run(args) or 0


if __name__ == "__main__":
    sys.exit(main())
