"""``adaptive-plan export``: live state -> manifests a user can commit (the adoption path).

``select`` decides what is exported (built-ins and catalogue objects are not the user's);
``document`` turns the chosen resources into manifest documents with each kind's
``to_manifest``; ``recipes`` downloads and lays out recipe code; ``yaml_text`` renders a
document as stable, template-safe YAML; ``exporter`` runs the whole thing and ``writer``
puts the files on disk. May import ``model``, ``kinds``, ``live``, ``api`` and yaml; only
``cli`` imports it.
"""
