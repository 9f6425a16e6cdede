"""The fake OpenAI-compatible server, re-exported for the tests.

It lives in the product (``canvas.evals.fake_openai``) because ``manage.py canvas_eval
--replay`` serves recorded answers through it; tests and old imports keep this path.
"""

from canvas.evals.fake_openai import *  # noqa: F403
from canvas.evals.fake_openai import __all__  # noqa: F401
