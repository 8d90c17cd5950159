// TypeScriptToLua plugin for this repository's ESM sources: they import siblings as './x.js'
// (NodeNext resolution), which TSTL would look for as Lua files. Strip the extension from
// relative specifiers so TSTL finds the TypeScript file, exactly as tsc does.
module.exports = {
  moduleResolution(specifier) {
    if ((specifier.startsWith('./') || specifier.startsWith('../')) && specifier.endsWith('.js')) {
      return specifier.slice(0, -3);
    }
    return undefined;
  },
};
