"""The `roadmaplint` script and `python -m roadmaplint`."""

import gc


def main() -> None:
    # Loading click, mistune and the rules makes tens of thousands of objects
    # and no garbage: the cyclic collector is off before they load, not only
    # for the run (cli.main keeps it off; the language server turns it on).
    gc.disable()
    import sys

    from roadmaplint.commands import plain, run_plain

    if plain(sys.argv[1:]):  # `check` or `format` and paths: no option to read, no click
        run_plain(sys.argv[1:])
    from roadmaplint.cli import main as run

    run()


if __name__ == "__main__":
    main()
