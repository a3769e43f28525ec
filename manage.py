#!/usr/bin/env python
from greenit.cli import main

if __name__ == "__main__":
    main()
