from lis.cli import main

main()
