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


DAMAGED = {
    "half saved": b'{"cells": [{"cell_type": "markdown", "sou',
    "not UTF-8": b"\xff\xfe{}",
    "no cells": b'{"metadata": {}}',
}


def test_a_damaged_copy_is_reported_unreadable_and_replaced_keeping_it(project_copy, capsys):
    """A half-saved copy once made ``notebooks`` and ``notebooks --update`` fail with a traceback."""
    copy = project_copy / "notebooks" / "spend_analysis.ipynb"
    for why, damaged in DAMAGED.items():
        copy.write_bytes(damaged)
        assert main(["notebooks", "--project", str(project_copy)]) == 0, why
        out = capsys.readouterr().out
        assert "spend_analysis.ipynb: unreadable (not a notebook): " in out, why
        assert main(["notebooks", "--update", "--project", str(project_copy)]) == 0, why
        out = capsys.readouterr().out
        assert "the damaged copy kept as spend_analysis.ipynb.old" in out, why
        assert copy.read_bytes() == template_path("spend_analysis.ipynb").read_bytes()
    kept = sorted(p.name for p in copy.parent.glob("spend_analysis.ipynb.old*"))
    assert kept == ["spend_analysis.ipynb.old", "spend_analysis.ipynb.old.2", "spend_analysis.ipynb.old.3"]
    assert {(copy.parent / k).read_bytes() for k in kept} == set(DAMAGED.values())


def test_a_build_goes_on_past_a_damaged_copy_and_says_so(project_copy, monkeypatch):
    """The build compares the copies only for its note; a damaged one once stopped it with a traceback."""
    from safer_analysis.inputs.project import resolve_project
    from safer_analysis.pipeline import runner

    class Reached(Exception):
        pass

    def stop() -> None:  # the notebooks themselves are not the point here
        raise Reached

    (project_copy / "notebooks" / "spend_analysis.ipynb").write_text('{"cells": [', encoding="utf-8")
    monkeypatch.setattr(runner, "warm_up", stop)
    notes: list[str] = []
    project = resolve_project(project_copy)
    try:
        runner.build(
            project.settings.default_year or "2018-19",
            project_copy / "outputs",
            project=project,
            products=["spend_analysis"],
            progress=lambda *a: notes.append(" ".join(map(str, a))),
        )
    except Reached:
        pass
    else:
        raise AssertionError("the build did not reach its notebooks")
    assert any("cannot be read as notebooks (spend_analysis.ipynb)" in n for n in notes), notes
