import textwrap

import pytest

from segdesk.base.errors import SegdeskError
from segdesk.form.templates import load_template

HEAD = """
[form]
id = "t"
title = "T"
[[statement]]
id = "s"
title = "S"
heading = "S"
"""


def write(tmp_path, body):
    path = tmp_path / "form.toml"
    path.write_text(HEAD + textwrap.dedent(body))
    return path


def line(code, formula=None):
    text = f'[[line]]\ncode = "{code}"\nstatement = "s"\nlabel = "L{code}"\n'
    return text + (f'formula = "{formula}"\n' if formula else "")


def test_builtin_template_covers_the_seed_codes(template):
    codes = set(template.by_code)
    for code in ["7010", "7198", "7305", "7360", "7380", "7500", "7785", "8500", "8770"]:
        assert code in codes
    assert [ln.id for ln in template.lines if ln.code is None and ln.statement == "swaps"] == [
        "swaps.12A", "swaps.12B", "swaps.12C"]
    assert template.by_id["7360"].formula.refs == ("7305", "7355")
    assert template.by_id["7047"].sign == "negative"
    assert [s.id for s in template.statements] == ["cover", "segregation", "secured", "swaps"]


def test_valid_minimal(tmp_path):
    tpl = load_template(write(tmp_path, line("1000") + line("1010") + line("1020", "[1000] + [1010]")))
    assert tpl.by_code["1020"].formula.refs == ("1000", "1010")


@pytest.mark.parametrize("body, message", [
    (line("1000") + line("1000"), "line item 2 (1000): duplicate code 1000 (first at line item 1)"),
    (line("1000", "[1000] + [9999]"), "line item 1 (1000): formula names unknown code 9999"),
    (line("1000", "[1010]") + line("1010", "[1000]"), "formulas form a cycle"),
    (line("1000", "[1000] +"), "line item 1 (1000): formula"),
    (line("1000", "sqrt([1000])"), "unknown function 'sqrt'"),
    (line("12345"), "code '12345' is not four digits"),
    ('[[line]]\nstatement = "s"\nlabel = "x"\n', "needs an id"),
    ('[[line]]\nid = "x"\nstatement = "s"\nlabel = "x"\n', "needs `locate`"),
    ('[[line]]\ncode = "1000"\nstatement = "nope"\nlabel = "x"\n', "unknown statement 'nope'"),
])
def test_invalid_templates_name_the_line(tmp_path, body, message):
    with pytest.raises(SegdeskError) as err:
        load_template(write(tmp_path, body))
    assert message in str(err.value)
    assert "form.toml" in str(err.value)


def test_not_toml(tmp_path):
    path = tmp_path / "form.toml"
    path.write_text("[form\n")
    with pytest.raises(SegdeskError, match="not valid TOML"):
        load_template(path)


def test_formula_renders_for_excel(template):
    assert template.by_id["7190"].formula.render(lambda r: f"L{r}") == "L7180-L7060"
    assert template.by_id["7360"].formula.render(lambda r: f"L{r}") == "MAX(L7305, L7355)"


def test_missing_template_names_its_path(tmp_path):
    with pytest.raises(SegdeskError) as err:
        load_template(tmp_path / "gone.toml")
    assert str(err.value) == f"cannot read form template {tmp_path / 'gone.toml'}: No such file or directory"


def test_unreadable_template_names_its_path(tmp_path):
    folder = tmp_path / "form.toml"
    folder.mkdir()  # reading a folder fails on every platform, unlike chmod 000 under root
    with pytest.raises(SegdeskError, match=f"cannot read form template {folder}: "):
        load_template(folder)


def test_template_not_utf8(tmp_path):
    path = tmp_path / "form.toml"
    path.write_bytes(b'[form]\nid = "\xff"\n')
    with pytest.raises(SegdeskError, match=f"form template {path} is not UTF-8 text"):
        load_template(path)


@pytest.mark.parametrize("text", [
    'form = "t"\n',  # a string where the [form] table belongs
    HEAD + '[[line]]\nid = "x"\nstatement = "s"\nlabel = "x"\nlocate = { anchor = "a", label = "b", index = "x" }\n',
    HEAD + '[[line]]\ncode = 1000\nstatement = "s"\nlabel = "x"\n',  # a number, not text
])
def test_fields_of_the_wrong_kind_are_one_line(tmp_path, text):
    path = tmp_path / "form.toml"
    path.write_text(text)
    with pytest.raises(SegdeskError, match=r"form template form.toml: a field has the wrong type"):
        load_template(path)
