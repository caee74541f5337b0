"""new: create a project from the packaged template, all or nothing.

`request` holds what the user asks for and gets back, `names` the project's name and its
forms, `lock` the optional uv.lock, and `create` the whole command.
"""
