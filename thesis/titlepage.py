"""What the title page says, prepared once for every writer.

Every field of thesis.yaml is there (nested as in the file: `meta.supervisor.name`), with
the few derived lines title pages print; the profile's `title_page` template decides what
it shows and how (templates/<writer>/title-<name>.*). A new university's title page is a
template plus profile labels: no Python.
"""

from __future__ import annotations

import dataclasses

from .context import Thesis


def title_fields(thesis: Thesis) -> dict:
    """thesis.yaml's texts (nested mappings, no lists), plus `supervisor_line`,
    `specialty_code`, `specialty_name`, and `work_type` defaulting to the profile's label."""
    config = thesis.project.thesis
    data = {key: value for key, value in dataclasses.asdict(config).items()
            if not isinstance(value, list)}
    supervisor, specialty = config.supervisor, config.specialty
    rank = ", ".join(x for x in (supervisor.degree, supervisor.title) if x) if supervisor else ""
    data.update({
        "year": str(config.year),
        "work_type": config.work_type or thesis.labels.title_page.get("work_type", ""),
        "specialty_code": specialty.code if specialty else "",
        "specialty_name": specialty.name if specialty else "",
        "supervisor_line": f"{rank} {supervisor.name if supervisor else ''}".strip(),
    })
    return data


def labels(thesis: Thesis) -> dict:
    """The profile's words in the thesis language (title page words under `title_page`)."""
    return {**dataclasses.asdict(thesis.labels), "title_page": thesis.labels.title_page}
