"""Anonymous self-screening: start, the step-by-step questionnaire, and the result."""

from flask import Blueprint

bp = Blueprint("patient", __name__)
