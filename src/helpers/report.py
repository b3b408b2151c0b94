"""Rendering executed notebooks to self-contained HTML (code hidden, images embedded, no external resources)."""

from __future__ import annotations

from importlib import resources

from nbconvert import HTMLExporter


def make_exporter() -> HTMLExporter:
    """The one HTML exporter a process reuses: the report template, inputs and prompts hidden."""
    template_dir = resources.files("helpers").joinpath("resources/templates")
    exporter = HTMLExporter(template_name="report", extra_template_basedirs=[str(template_dir)],
                            exclude_input=True, exclude_input_prompt=True, exclude_output_prompt=True,
                            embed_images=True)
    return exporter
