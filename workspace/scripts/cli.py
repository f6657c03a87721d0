"""`workspace -c INI <command>`: one entry point; each command lives in a small module."""
import argparse
import sys

from . import accounts, demo

COMMAND_MODULES = (accounts, demo)


def main(argv=None):
    parser = argparse.ArgumentParser(prog="workspace", description=__doc__)
    parser.add_argument("-c", "--config", default="development.ini",
                        help="the ini file of the site (default: development.ini)")
    commands = parser.add_subparsers(dest="command", required=True)
    for module in COMMAND_MODULES:
        module.register(commands)
    args = parser.parse_args(argv)
    return args.run(args) or 0


if __name__ == "__main__":
    sys.exit(main())
