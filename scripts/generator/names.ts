// The names of a new service, all derived from its kebab-case name and its domain, so that one
// concept has one name from proto to route: `sales-pipeline` in domain `sales` gives the package
// @liaison/sales-pipeline, the proto package liaison.sales.v1, the topic liaison.sales.v1, the
// database sales_pipeline and the chart entry services.sales-pipeline.

export type Store = 'postgres' | 'mongo';

export interface ServiceNames {
  /** kebab-case: folder, package, chart entry, image. */
  name: string;
  /** PascalCase of the name, e.g. SalesPipeline. */
  pascal: string;
  /** camelCase of the name, e.g. salesPipeline. */
  camel: string;
  /** The domain: proto package liaison.<domain>.v1 and topic liaison.<domain>.v1. */
  domain: string;
  /** camelCase of the domain, the key in Topics and the prefix of contract aliases. */
  domainCamel: string;
  /** Database name: the name with underscores. */
  database: string;
  /** The <NAME>_GRPC_ADDR prefix the gateway reads. */
  envPrefix: string;
  store: Store;
}

const KEBAB = /^[a-z][a-z0-9]*(-[a-z0-9]+)*$/;
const DOMAIN = /^[a-z][a-z0-9]*$/;

function pascalOf(kebab: string): string {
  return kebab
    .split('-')
    .map((part) => part[0].toUpperCase() + part.slice(1))
    .join('');
}

export function namesOf(name: string, store: Store, domain = name.split('-')[0]): ServiceNames {
  if (!KEBAB.test(name)) throw new Error(`service name "${name}" must be kebab-case, e.g. sales-pipeline`);
  if (!DOMAIN.test(domain)) throw new Error(`domain "${domain}" must be lower-case letters and digits, e.g. sales`);
  const pascal = pascalOf(name);
  return {
    name,
    pascal,
    camel: pascal[0].toLowerCase() + pascal.slice(1),
    domain,
    domainCamel: domain,
    database: name.replace(/-/g, '_'),
    envPrefix: name.toUpperCase().replace(/-/g, '_'),
    store,
  };
}
