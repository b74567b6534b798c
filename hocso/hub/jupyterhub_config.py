"""JupyterHub's configuration file for a hocso hub: `jupyterhub -f hocso/hub/jupyterhub_config.py`.

Everything comes from the runtime home ($HOCSO_HOME): plan.json (written by `hocso hub`) and the
first course's [hub] settings; see hocso.hub.settings.
"""

from hocso.hub.accounts import ClassPlan
from hocso.hub.settings import configure
from hocso.hub.state import hub_state

_state = hub_state()
configure(get_config(), ClassPlan.load(_state.plan), _state)  # noqa: F821 - injected by traitlets
