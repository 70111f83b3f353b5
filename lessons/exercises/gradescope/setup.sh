#!/usr/bin/env bash
# Gradescope runs this once, as root, when it builds the autograder image from autograder.zip
# (unzipped into /autograder/source): install Python 3 and tinymtl, whose grader run_autograder calls.
#
# The zip holds this script and run_autograder at its root, beside the tinymtl repository's
# pyproject.toml, README.md and tinymtl/ (how to build it: lessons/exercises/README.md,
# "Teachers: Gradescope and handing out the exercises"). Needs an Ubuntu 22.04 or newer image
# (tinymtl needs Python >= 3.10).
set -euo pipefail

SOURCE_DIR="${SOURCE_DIR:-$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)}"  # /autograder/source on Gradescope

if ! command -v pip3 >/dev/null; then
    apt-get update
    apt-get install -y python3 python3-pip
fi
# Ubuntu 24.04 marks its Python "externally managed"; the image exists only to grade, so install into it.
# (Older pip ignores this variable.)
export PIP_BREAK_SYSTEM_PACKAGES=1
pip3 install "$SOURCE_DIR"
python3 -c "import tinymtl.grade; print('tinymtl installed:', tinymtl.grade.EXERCISES)"
