"""Services: business rules over an explicit session and clock. They raise domain errors and
never print; the CLI (and later the digest and the scheduler) call them."""
