from wastecoach.cli import main

raise SystemExit(main())
