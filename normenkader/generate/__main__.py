from normenkader.cli import main

raise SystemExit(main(["generate", *__import__("sys").argv[1:]]))
