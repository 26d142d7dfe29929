'use strict';
// Resolved from this file's real path: inside a namespace tree that is the namespace's React 17.
const React = require('react');
const ReactDOMServer = require('react-dom/server');

exports.render = function render(title) {
  const element = React.createElement('section', { className: 'legacy' }, React.createElement('h2', null, title), `rendered by React ${React.version}`);
  return { react: React.version, reactDom: ReactDOMServer.version, html: ReactDOMServer.renderToStaticMarkup(element) };
};
