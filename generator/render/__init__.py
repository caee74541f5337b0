"""The packaged template: where it is (`template`), its answers (`answers`), how Copier runs it
(`copying`, the one module that knows Copier's internals) and Jinja's compiled cache.
"""
