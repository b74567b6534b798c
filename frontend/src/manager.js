// The widget manager: ipywidgets' own ManagerBase with the standard widget classes built in, so a
// page needs no module loader and no JupyterLab application to show widgets.
import * as base from '@jupyter-widgets/base';
import { ManagerBase } from '@jupyter-widgets/base-manager';
import * as controls from '@jupyter-widgets/controls';
import { Comm, newId } from './kernel.js';

const MODULES = { '@jupyter-widgets/base': base, '@jupyter-widgets/controls': controls };

export class WidgetManager extends ManagerBase {
  constructor(kernel) {
    super();
    this.kernel = kernel;
    kernel.onCommOpen = (comm, msg) => {
      if (comm.target_name === this.comm_target_name) this.handle_comm_open(comm, msg);
    };
  }

  async loadClass(className, moduleName, moduleVersion) {
    const module = MODULES[moduleName];
    if (!module || !module[className]) {
      throw new Error(`${moduleName}@${moduleVersion} ${className} is not a standard ipywidgets class`);
    }
    return module[className];
  }

  async _create_comm(target_name, model_id, data, metadata, buffers) {
    const comm = new Comm(this.kernel, target_name, model_id || newId());
    if (data || metadata) comm.open(data || {}, {}, metadata, buffers);
    return comm;
  }

  async _get_comm_info() {
    const reply = await this.kernel.request('comm_info_request', { target_name: this.comm_target_name });
    return reply.content.comms;
  }

  /** The kernel's widgets, as Voila's own front end loads them (one request for every state). */
  load() {
    return this._loadFromKernel();
  }
}
