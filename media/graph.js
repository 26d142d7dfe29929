// Renders the namespace graph the extension sends (already laid out by client/src/model/graph-model.ts)
// as SVG. Runs in the webview under a strict CSP: no eval, no inline handlers, no remote content;
// every label goes in as text, never as markup.
(function () {
  const vscode = acquireVsCodeApi();
  const SVG = 'http://www.w3.org/2000/svg';
  const container = document.getElementById('graph');
  const status = document.getElementById('status');

  function element(name, attributes, parent) {
    const node = document.createElementNS(SVG, name);
    for (const [key, value] of Object.entries(attributes)) node.setAttribute(key, String(value));
    if (parent) parent.appendChild(node);
    return node;
  }

  function text(parent, x, y, content, className) {
    const node = element('text', { x, y, class: className }, parent);
    node.textContent = content;
    return node;
  }

  function edgePath(from, to) {
    const x1 = from.x + from.width;
    const y1 = from.y + from.height / 2;
    const x2 = to.x;
    const y2 = to.y + to.height / 2;
    const bend = (x2 - x1) / 2;
    return `M ${x1} ${y1} C ${x1 + bend} ${y1}, ${x2 - bend} ${y2}, ${x2} ${y2}`;
  }

  function render(graph) {
    container.replaceChildren();
    status.textContent = graph.nodes.length === 0 ? 'Nothing to draw: no packages are installed yet.' : '';
    status.className = '';
    const svg = element('svg', { width: graph.width, height: graph.height, viewBox: `0 0 ${graph.width} ${graph.height}`, role: 'img', 'aria-label': 'Namespace graph' }, container);
    const byId = new Map(graph.nodes.map((node) => [node.id, node]));
    const edges = element('g', {}, svg);
    for (const edge of graph.edges) {
      const from = byId.get(edge.from);
      const to = byId.get(edge.to);
      if (from && to) element('path', { d: edgePath(from, to), class: `edge ${edge.kind}` }, edges);
    }
    for (const node of graph.nodes) {
      const classes = ['node', node.kind, node.state];
      if (node.conflict) classes.push('conflict');
      if (node.duplicated) classes.push('duplicated');
      if (node.uri) classes.push('link');
      const group = element('g', { class: classes.join(' '), transform: `translate(${node.x} ${node.y})`, 'data-id': node.id }, svg);
      element('rect', { width: node.width, height: node.height, rx: 4 }, group);
      text(group, 8, 14, node.label, 'label');
      text(group, 8, 28, node.detail, 'detail');
      const title = element('title', {}, group);
      title.textContent = `${node.label} ${node.detail}${node.conflict ? ' (conflict)' : ''}${node.duplicated ? ' (in several trees)' : ''}`;
      if (node.uri) {
        group.setAttribute('tabindex', '0');
        group.setAttribute('role', 'link');
        const open = () => vscode.postMessage({ type: 'open', uri: node.uri });
        group.addEventListener('click', open);
        group.addEventListener('keydown', (event) => {
          if (event.key === 'Enter' || event.key === ' ') open();
        });
      }
    }
  }

  window.addEventListener('message', (event) => {
    const message = event.data;
    if (message && message.type === 'graph') render(message.graph);
    else if (message && message.type === 'error') {
      status.textContent = message.message;
      status.className = 'error';
    }
  });
  vscode.postMessage({ type: 'ready' });
})();
