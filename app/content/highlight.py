"""Code blocks highlighted with Pygments: token spans with Pygments' short class names (`k`,
`nf`, `s2`, …), no inline styles; the guide's stylesheet colours them.

A block names its language with `class="language-…"`. `text` (program output, in the built-in
volumes) is lexed as output; `plaintext` stays plain. A block without a language gets one only
when the guess is confident: a language's own `analyse_text` scores it at GUESS_THRESHOLD or
more, and for Python the block also compiles.
"""

from __future__ import annotations

import ast
import io
import warnings
from collections.abc import Iterator

from pygments.formatters import HtmlFormatter
from pygments.lexer import Lexer
from pygments.lexers import (
    BashLexer,
    JavascriptLexer,
    JsonLexer,
    PythonLexer,
    SqlLexer,
    TOMLLexer,
    YamlLexer,
)
from pygments.lexers.special import OutputLexer
from pygments.token import STANDARD_TYPES, Name, Operator, Punctuation, Text, Whitespace

LEXERS: dict[str, type[Lexer]] = {
    "python": PythonLexer, "bash": BashLexer, "shell": BashLexer, "json": JsonLexer,
    "yaml": YamlLexer, "javascript": JavascriptLexer, "sql": SqlLexer, "toml": TOMLLexer,
    "text": OutputLexer,
}
# The classes Pygments writes for its token types: the sanitizer keeps exactly these on
# `span` inside `pre code`.
TOKEN_CLASSES = frozenset(name for name in STANDARD_TYPES.values() if name)
# Tokens the stylesheet leaves in the block's text colour: written as plain text, not spans,
# which keeps a highlighted block about half the size.
UNCOLOURED = {Name, Operator, Punctuation, Text, Whitespace}
GUESSES: dict[str, type[Lexer]] = {"python": PythonLexer, "bash": BashLexer}
GUESS_THRESHOLD = 0.9

_FORMATTER = HtmlFormatter(nowrap=True)


def highlight(code: str, language: str) -> str | None:
    """The code as HTML with token spans, or None for a language without a lexer."""
    lexer_class = LEXERS.get(language)
    if lexer_class is None:
        return None
    # Keep the text exactly: no newline stripped or added, tabs as they are.
    lexer = lexer_class(stripnl=False, ensurenl=False)
    out = io.StringIO()
    _FORMATTER.format(_coloured(lexer.get_tokens(code)), out)
    return out.getvalue()


def _coloured(tokens: Iterator[tuple[object, str]]) -> Iterator[tuple[object, str]]:
    for token_type, value in tokens:
        yield (Text if token_type in UNCOLOURED else token_type), value


def guess_language(code: str) -> str | None:
    """A language for an unlabelled block, only when the guess is confident."""
    scores = {name: lexer.analyse_text(code) for name, lexer in GUESSES.items()}
    name, score = max(scores.items(), key=lambda item: item[1])
    if score < GUESS_THRESHOLD:
        return None
    if name == "python" and not _compiles(code):
        return None  # `import ` alone scores 1.0, and prose says "import" too
    return name


def _compiles(code: str) -> bool:
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore", SyntaxWarning)  # "\d" in a string is fine here
            ast.parse(code)
    except (SyntaxError, ValueError, RecursionError, MemoryError):
        return False
    return True
