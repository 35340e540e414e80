// `string-width` for the screens' ES modules, from the cached UI bundle (see ./load.ts), where it
// sits behind the fast path of ./narrow-width.ts and loads its Unicode tables only when needed.
import { ui } from './load.js';

export default ui.stringWidth;
