"""Maps the design card's top-level folders into the one `hocso` namespace.

`widgets/` installs as `hocso.widgets` and `graders/` as `hocso.graders`, in editable and wheel
installs alike. pyproject.toml cannot express "find the subpackages of a remapped folder", so the
package list is computed here; everything else lives in pyproject.toml.
"""

from setuptools import find_packages, setup

MAPPED = {"hocso.widgets": "widgets", "hocso.graders": "graders"}

packages = find_packages(include=["hocso", "hocso.*"])
for namespace, folder in MAPPED.items():
    packages += [namespace + name[len(folder) :] for name in find_packages(include=[folder, f"{folder}.*"])]

setup(packages=packages, package_dir={"hocso": "hocso", **MAPPED})
