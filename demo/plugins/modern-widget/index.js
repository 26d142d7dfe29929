'use strict';
const React = require('react');
const ReactDOMServer = require('react-dom/server');

exports.render = function render(title) {
  // useId exists only in React 18: this plugin really needs the newer major.
  function Card() {
    const id = React.useId();
    return React.createElement('section', { className: 'modern', 'aria-labelledby': id }, React.createElement('h2', { id }, title), `rendered by React ${React.version}`);
  }
  return { react: React.version, reactDom: ReactDOMServer.version, html: ReactDOMServer.renderToStaticMarkup(React.createElement(Card)) };
};
