#!/bin/sh
# The README's "run the example": example-http on usertcp, in a network namespace of its own.
# It needs the user-space transport (issue 4) and the TAP and namespace setup (issue 5), neither of
# which exists yet, so for now it says so and fails instead of pretending.
echo "example-http/run.sh: the usertcp transport is not built yet (issues 4 and 5); nothing to run on it." >&2
echo "The same server runs on kernel TCP today: io.usertcp.example.http.HttpExampleServer --transport epoll|nio" >&2
exit 1
