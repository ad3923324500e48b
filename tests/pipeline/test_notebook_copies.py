"""``safer-analysis notebooks --update`` keeps every earlier copy it replaces."""

from __future__ import annotations

from safer_analysis.cli import main
from safer_analysis.pipeline.notebooks import template_path


def test_every_update_keeps_the_copy_it_replaces_under_a_new_name(project_copy, capsys):
    """A second update once wrote over the first ``.old``, losing the first edits."""
    copy = project_copy / "notebooks" / "spend_analysis.ipynb"
    args = ["notebooks", "--update", "--project", str(project_copy)]
    copy.write_text(copy.read_text().replace("Spend analysis", "First edit"))
    first = copy.read_bytes()
    assert main(args) == 0
    assert "old copy kept as spend_analysis.ipynb.old" in capsys.readouterr().out
    copy.write_text(copy.read_text().replace("Spend analysis", "Second edit"))
    second = copy.read_bytes()
    assert main(args) == 0
    assert "old copy kept as spend_analysis.ipynb.old.2" in capsys.readouterr().out
    assert (copy.parent / "spend_analysis.ipynb.old").read_bytes() == first
    assert (copy.parent / "spend_analysis.ipynb.old.2").read_bytes() == second
    assert copy.read_bytes() == template_path("spend_analysis.ipynb").read_bytes()


def test_old_copy_names_skip_every_name_taken(tmp_path):
    from safer_analysis.pipeline.notebooks import old_copy_name

    copy = tmp_path / "a.ipynb"
    assert old_copy_name(copy).name == "a.ipynb.old"
    (tmp_path / "a.ipynb.old").write_text("1")
    (tmp_path / "a.ipynb.old.2").mkdir()
    assert old_copy_name(copy).name == "a.ipynb.old.3"
