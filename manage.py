#!/usr/bin/env python3
from byline.__main__ import main

main()
