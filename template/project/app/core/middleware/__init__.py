"""The app's own ASGI middleware, one concern per module; `create_app` lists them in order."""
