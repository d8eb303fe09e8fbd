"""`python -m bot.cli`, as the tests and the README's examples call it."""

import sys

from bot.cli.main import main

sys.exit(main())
