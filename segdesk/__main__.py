import sys

from segdesk.launch.main import main

sys.exit(main())
