from pathlib import Path

from scanner.scan.walk import walk


def test_walk_is_sorted_skips_excluded_and_reports_links_it_does_not_follow(
    tmp_path: Path,
) -> None:
    (tmp_path / "b").mkdir()
    (tmp_path / "b" / "2.txt").write_text("x")
    (tmp_path / "a.txt").write_text("x")
    (tmp_path / "~$报告.docx").write_text("lock")
    (tmp_path / "copy.part").write_text("partial")
    outside = tmp_path.parent / f"{tmp_path.name}-outside"
    outside.mkdir()
    (outside / "secret.txt").write_text("x")
    (tmp_path / "link").symlink_to(outside)
    (tmp_path / "b" / "loop").symlink_to(tmp_path)
    entries = list(walk([tmp_path], exclude=("~$*", "*.part")))
    assert [(e.path.relative_to(tmp_path).as_posix(), e.error) for e in entries] == [
        ("a.txt", ""),
        ("b/2.txt", ""),
        ("b/loop", "symbolic link loop, not followed"),
        ("link", "symbolic link to a folder outside the scanned folders, not followed"),
    ]


def test_following_links_visits_targets_once_and_reports_loops(tmp_path: Path) -> None:
    (tmp_path / "d").mkdir()
    (tmp_path / "d" / "f.txt").write_text("x")
    (tmp_path / "d" / "loop").symlink_to(tmp_path / "d")
    (tmp_path / "e").symlink_to(tmp_path / "d")
    entries = list(walk([tmp_path], follow_symlinks=True))
    assert [(e.path.relative_to(tmp_path).as_posix(), e.error) for e in entries] == [
        ("d/f.txt", ""),
        ("d/loop", "symbolic link loop, not followed"),
    ]


def test_paths_given_by_the_user_are_followed_even_as_links(tmp_path: Path) -> None:
    (tmp_path / "real").mkdir()
    (tmp_path / "real" / "a.txt").write_text("x")
    (tmp_path / "mount").symlink_to(tmp_path / "real")
    (tmp_path / "alias.txt").symlink_to(tmp_path / "real" / "a.txt")
    got = [
        (e.path.relative_to(tmp_path).as_posix(), e.error)
        for e in walk([tmp_path / "mount", tmp_path / "alias.txt"])
    ]
    assert got == [("mount/a.txt", ""), ("alias.txt", "")]
