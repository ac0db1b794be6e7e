// esbuild keeps only this one field of package.json in the bundle.
import { version } from "../package.json";

export const VERSION: string = version;
