"""The public catalogue: server-rendered pages on the NHS.UK design system.

Every page works without JavaScript; entry text is untrusted supplier input and is only
ever rendered escaped.
"""
