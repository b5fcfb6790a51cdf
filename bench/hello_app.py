"""The baseline: a bare Flask app answering one short page, served exactly like the real one."""

from flask import Flask

app = Flask(__name__)


@app.get("/")
def hello() -> str:
    return "Hello"
