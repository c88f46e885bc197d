"""YAML as people write it by hand: only true/false are booleans.

PyYAML follows YAML 1.1, where yes/no/on/off/y/n are booleans too: a guide or settings file with
"language: no" (Norwegian, as Whisper names it) failed with "input should be a valid string (got
False)". Pydantic still reads "yes" and "no" as booleans where a field is one (must_cover: yes).
"""

from __future__ import annotations

import re

import yaml

_BOOL = "tag:yaml.org,2002:bool"


class HandWrittenLoader(yaml.SafeLoader):
    """``yaml.SafeLoader`` with YAML 1.2's booleans."""


HandWrittenLoader.yaml_implicit_resolvers = {
    first: [(tag, pattern) for tag, pattern in resolvers if tag != _BOOL]
    for first, resolvers in yaml.SafeLoader.yaml_implicit_resolvers.items()}
HandWrittenLoader.add_implicit_resolver(_BOOL, re.compile(r"^(?:true|True|TRUE|false|False|FALSE)$"), list("tTfF"))


def load_hand_written(text: str):
    return yaml.load(text, Loader=HandWrittenLoader)
