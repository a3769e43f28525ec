"""Browser-test fixtures (Playwright driving Debian's chromium). Filled in by the harness."""
