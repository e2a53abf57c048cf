from roadmaplint.cli import main

main()
