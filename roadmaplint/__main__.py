"""The `roadmaplint` script and `python -m roadmaplint`."""

import gc


def main() -> None:
    # Loading click, mistune and the rules makes tens of thousands of objects
    # and no garbage: the cyclic collector is off before they load, not only
    # for the run (cli.main keeps it off; the language server turns it on).
    gc.disable()
    from roadmaplint.cli import main as run

    run()


if __name__ == "__main__":
    main()
