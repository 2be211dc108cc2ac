// SWC options shared by the unit and e2e jest configs: legacy decorators with
// metadata, as `tsc --experimentalDecorators --emitDecoratorMetadata` emits them.
module.exports = {
  jsc: {
    parser: { syntax: 'typescript', decorators: true },
    transform: { legacyDecorator: true, decoratorMetadata: true },
    target: 'es2023',
    keepClassNames: true,
  },
  module: { type: 'commonjs' },
  sourceMaps: 'inline',
};
