"""FHIR R4 views of the questionnaire: the ``Questionnaire`` resource, and answers to and from a
``QuestionnaireResponse``.

Everything is derived from the declarations in ``app/questionnaires/``, so a new question or option appears here
without code changes. Texts carry their translations from the app's catalogues (``app.catalogues``) in the standard
``translation`` extension. No Flask: the API, the CLI and exports share it.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from app import catalogues
from app.questionnaire import N_, AnswerValue, FieldError, Question, Questionnaire, Section

MIN_VALUE = "http://hl7.org/fhir/StructureDefinition/minValue"
MAX_VALUE = "http://hl7.org/fhir/StructureDefinition/maxValue"
OPTION_EXCLUSIVE = "http://hl7.org/fhir/StructureDefinition/questionnaire-optionExclusive"
ITEM_CONTROL = "http://hl7.org/fhir/StructureDefinition/questionnaire-itemControl"
ITEM_CONTROL_SYSTEM = "http://hl7.org/fhir/questionnaire-item-control"
TRANSLATION = "http://hl7.org/fhir/StructureDefinition/translation"

ITEM_TYPES = {"single": "choice", "multi": "choice", "integer": "integer", "text": "text"}
# The one value[x] each kind of question is answered with in a QuestionnaireResponse.
ANSWER_KEYS = {"single": "valueCoding", "multi": "valueCoding", "integer": "valueInteger", "text": "valueString"}
VALUE_KEYS = ("valueCoding", "valueInteger", "valueString", "valueBoolean")
# Our questionnaire nests two levels (section, question); anything much deeper is not a response to it.
MAX_DEPTH = 8


def option_system(questionnaire: Questionnaire, link_id: str) -> str:
    """The code system of one question's answers: stable across versions as long as the codes mean the same."""
    return f"{questionnaire.url}/options/{link_id}"


def translated(element: dict[str, Any], key: str, text: str) -> dict[str, Any]:
    """Set ``element[key]`` to ``text`` and ``element["_" + key]`` to its translations, one extension per language."""
    element[key] = text
    extensions = [
        {
            "url": TRANSLATION,
            "extension": [{"url": "lang", "valueCode": tag}, {"url": "content", "valueString": content}],
        }
        for locale, tag in catalogues.LANGUAGE_TAGS.items()
        if (content := catalogues.translate(text, locale)) is not None
    ]
    if extensions:
        element[f"_{key}"] = {"extension": extensions}
    return element


def questionnaire_resource(questionnaire: Questionnaire) -> dict[str, Any]:
    """The questionnaire as a FHIR R4 ``Questionnaire`` (one group per section, the questions inside)."""
    return {
        "resourceType": "Questionnaire",
        "url": questionnaire.url,
        "version": questionnaire.version,
        **translated({}, "title", questionnaire.title),
        "status": "active",
        "subjectType": ["Patient"],
        "language": "en",
        "item": [_group(questionnaire, section) for section in questionnaire.sections],
    }


def _group(questionnaire: Questionnaire, section: Section) -> dict[str, Any]:
    intro = _display(f"{section.key}.intro", section.intro) if section.intro else None
    return {
        "linkId": section.key,
        "type": "group",
        **translated({}, "text", section.title),
        "item": [*([intro] if intro else []), *(_question(questionnaire, q) for q in section.questions)],
    }


def _display(link_id: str, text: str, control: str | None = None) -> dict[str, Any]:
    item: dict[str, Any] = {"linkId": link_id, "type": "display", **translated({}, "text", text)}
    if control:
        item["extension"] = [
            {
                "url": ITEM_CONTROL,
                "valueCodeableConcept": {"coding": [{"system": ITEM_CONTROL_SYSTEM, "code": control}]},
            }
        ]
    return item


def _question(questionnaire: Questionnaire, question: Question) -> dict[str, Any]:
    item: dict[str, Any] = {
        "linkId": question.link_id,
        **translated({}, "text", question.text),
        "type": ITEM_TYPES[question.kind],
        "required": question.required,
    }
    if question.kind == "multi":
        item["repeats"] = True
    if question.kind in ("single", "multi"):
        system = option_system(questionnaire, question.link_id)
        item["answerOption"] = [
            {
                "valueCoding": translated({"system": system, "code": option.code}, "display", option.text),
                **({"extension": [{"url": OPTION_EXCLUSIVE, "valueBoolean": True}]} if option.exclusive else {}),
            }
            for option in question.options
        ]
    elif question.kind == "integer":
        item["extension"] = [
            {"url": MIN_VALUE, "valueInteger": question.minimum},
            {"url": MAX_VALUE, "valueInteger": question.maximum},
        ]
    else:
        item["maxLength"] = question.max_length
    if question.enable_when:
        item["enableWhen"] = [
            {
                "question": condition.question,
                "operator": "=",
                "answerCoding": {"system": option_system(questionnaire, condition.question), "code": condition.answer},
            }
            for condition in question.enable_when
        ]
        if len(question.enable_when) > 1:
            item["enableBehavior"] = "any"  # Questionnaire.is_enabled: any condition shows the question
    if question.help:
        item["item"] = [_display(f"{question.link_id}.help", question.help, control="help")]
    return item


def response_resource(answers: Mapping[str, AnswerValue], questionnaire: Questionnaire) -> dict[str, Any]:
    """Validated answers as a FHIR R4 ``QuestionnaireResponse`` (status ``completed``), grouped like the form."""
    groups = []
    for section in questionnaire.sections:
        items = [
            {"linkId": q.link_id, "text": q.text, "answer": _answer_values(questionnaire, q, answers[q.link_id])}
            for q in section.questions
            if answers.get(q.link_id) not in (None, "", [])
        ]
        if items:
            groups.append({"linkId": section.key, "text": section.title, "item": items})
    return {
        "resourceType": "QuestionnaireResponse",
        "questionnaire": f"{questionnaire.url}|{questionnaire.version}",
        "status": "completed",
        "item": groups,
    }


def _answer_values(questionnaire: Questionnaire, question: Question, value: AnswerValue) -> list[dict[str, Any]]:
    if question.kind == "integer":
        return [{"valueInteger": value}]
    if question.kind == "text":
        return [{"valueString": value}]
    system = option_system(questionnaire, question.link_id)
    codes = value if isinstance(value, list) else [value]
    return [
        {"valueCoding": {"system": system, "code": o.code, "display": o.text}}
        for o in question.options
        if o.code in codes
    ]


def answers_from_response(
    resource: Mapping[str, Any], questionnaire: Questionnaire
) -> tuple[dict[str, object], dict[str, FieldError]]:
    """Read a ``QuestionnaireResponse`` into the answers map ``{linkId: value}`` that ``validate()`` checks.

    Items may sit inside groups (or under a question's answers, as FHIR nests children). Shapes this
    questionnaire cannot have produced are errors, keyed by linkId where there is one and by the item's
    path otherwise; whether the values are right for their questions is left to ``validate()``.
    """
    errors: dict[str, FieldError] = {}
    canonical = resource.get("questionnaire")
    accepted = (questionnaire.url, f"{questionnaire.url}|{questionnaire.version}")
    if canonical is not None and canonical not in accepted:
        errors["questionnaire"] = FieldError(
            N_("This service takes responses to %(canonical)s."), {"canonical": accepted[1]}
        )
    found: dict[str, list[object]] = {}
    _read_items(resource.get("item", []), "item", questionnaire, found, errors, depth=0)
    answers: dict[str, object] = {}
    for link_id, values in found.items():
        question = questionnaire.by_id.get(link_id)
        if question is not None and question.kind == "multi":
            answers[link_id] = values
        elif len(values) == 1:
            answers[link_id] = values[0]
        elif question is not None:
            errors[link_id] = FieldError(N_("Please give only one answer."))
        else:
            answers[link_id] = values  # validate() reports the unknown linkId
    return answers, errors


def _read_items(
    items: object,
    path: str,
    questionnaire: Questionnaire,
    found: dict[str, list[object]],
    errors: dict[str, FieldError],
    depth: int,
) -> None:
    if depth > MAX_DEPTH:
        errors[path] = FieldError(N_("Items are nested too deeply."))
        return
    if not isinstance(items, list):
        errors[path] = FieldError(N_("Expected a list of items."))
        return
    for index, item in enumerate(items):
        where = f"{path}[{index}]"
        link_id = item.get("linkId") if isinstance(item, dict) else None
        if not isinstance(link_id, str) or not link_id:
            errors[where] = FieldError(N_("Each item needs a linkId."))
            continue
        answers = item.get("answer", [])
        if not isinstance(answers, list):
            errors[link_id] = FieldError(N_("Expected a list of answers."))
            continue
        for position, answer in enumerate(answers):
            value, error = _answer_value(questionnaire, link_id, answer)
            if error is not None:
                errors[link_id] = error
            else:
                found.setdefault(link_id, []).append(value)
            if isinstance(answer, dict) and "item" in answer:
                _read_items(answer["item"], f"{where}.answer[{position}].item", questionnaire, found, errors, depth + 1)
        if "item" in item:
            _read_items(item["item"], f"{where}.item", questionnaire, found, errors, depth + 1)


def _answer_value(questionnaire: Questionnaire, link_id: str, answer: object) -> tuple[object, FieldError | None]:
    keys = [key for key in answer if key.startswith("value")] if isinstance(answer, dict) else []
    if not isinstance(answer, dict) or len(keys) != 1 or keys[0] not in VALUE_KEYS:
        return None, FieldError(N_("Each answer needs exactly one of %(keys)s."), {"keys": ", ".join(VALUE_KEYS)})
    key = keys[0]
    value = answer[key]
    question = questionnaire.by_id.get(link_id)
    if question is not None and key != ANSWER_KEYS[question.kind] and key != "valueBoolean":
        # valueBoolean passes through so validate() answers in the question's own terms.
        return None, FieldError(N_("Answer this question with %(key)s."), {"key": ANSWER_KEYS[question.kind]})
    if key == "valueCoding":
        code = value.get("code") if isinstance(value, dict) else None
        if not isinstance(code, str):
            return None, FieldError(N_("A valueCoding needs a code."))
        system = value.get("system")
        if question is not None and system is not None and system != option_system(questionnaire, link_id):
            return None, FieldError(
                N_("Codes for this question come from %(system)s."),
                {"system": option_system(questionnaire, link_id)},
            )
        return code, None
    if key == "valueInteger" and (not isinstance(value, int) or isinstance(value, bool)):
        return None, FieldError(N_("A valueInteger must be a whole number."))
    if key == "valueString" and not isinstance(value, str):
        return None, FieldError(N_("A valueString must be text."))
    if key == "valueBoolean" and not isinstance(value, bool):
        return None, FieldError(N_("A valueBoolean must be true or false."))
    return value, None
