/**
 * Files `tsm start` reads as a list of apps rather than runs. JSON, JSON5 and YAML files always
 * are (process.yml, pm2.json...): no one runs those as scripts. A JavaScript file is when it is
 * named like one (`*.config.js`, `ecosystem*.js`), since any other .js file is an app.
 * Its own file: stop, restart and delete check every target with it, and should not load the
 * whole loader to do so.
 */
export function isEcosystemFile(path: string): boolean {
  const base = (path.split('/').pop() ?? path).toLowerCase();
  return /\.config\.(c|m)?js$/.test(base) || /^ecosystem.*\.(c|m)?js$/.test(base) || /\.(json|json5|ya?ml)$/.test(base);
}
