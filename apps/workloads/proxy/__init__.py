"""The session gRPC proxy: Spark Connect calls in, checked against a session token, forwarded to the session's Sail
server (see server.py; run it with `python manage.py session_proxy`)."""
