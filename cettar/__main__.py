from cettar.cli import main

main()
