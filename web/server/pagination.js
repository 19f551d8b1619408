// pagination.js — Laravel's LengthAwarePaginator as an API resource collection renders it:
//   {data: [...], links: {first, last, prev, next},
//    meta: {current_page, from, last_page, links: [{url, label, active}], path, per_page, to, total}}
// Page URLs keep the request's other query parameters (filters, sort, per_page), as
// ->appends(request()->query()) does, so a client can follow `next` as it is.
// meta.links is Laravel's UrlWindow (3 pages on each side, "..." gaps).

const ON_EACH_SIDE = 3;

/**
 * @param {object} options
 * @param {unknown[]} options.data the page's items, already rendered
 * @param {number} options.total items matching the query
 * @param {number} options.page current page (1-based)
 * @param {number} options.perPage
 * @param {string} options.path the index URL without a query
 * @param {URLSearchParams} options.query the request's query (page is replaced)
 */
export function paginate({ data, total, page, perPage, path, query }) {
  const lastPage = Math.max(1, Math.ceil(total / perPage));
  const url = (n) => {
    const q = new URLSearchParams(query);
    q.delete('page');
    q.append('page', String(n));
    return `${path}?${q.toString()}`;
  };
  const from = data.length ? (page - 1) * perPage + 1 : null;
  return {
    data,
    links: {
      first: url(1),
      last: url(lastPage),
      prev: page > 1 ? url(page - 1) : null,
      next: page < lastPage ? url(page + 1) : null,
    },
    meta: {
      current_page: page,
      from,
      last_page: lastPage,
      links: linkCollection(page, lastPage, url),
      path,
      per_page: perPage,
      to: data.length ? from + data.length - 1 : null,
      total,
    },
  };
}

/** meta.links: « Previous, the page window with "..." gaps, Next ». */
function linkCollection(page, lastPage, url) {
  const links = [{ url: page > 1 ? url(page - 1) : null, label: '&laquo; Previous', active: false }];
  for (const item of pageWindow(page, lastPage)) {
    if (item === '...') links.push({ url: null, label: '...', active: false });
    else links.push({ url: url(item), label: String(item), active: item === page });
  }
  links.push({ url: page < lastPage ? url(page + 1) : null, label: 'Next &raquo;', active: false });
  return links;
}

const range = (a, b) => Array.from({ length: b - a + 1 }, (_, i) => a + i);

/** Laravel's UrlWindow::get(): every page when few, else a slider with gaps. */
export function pageWindow(page, lastPage) {
  if (lastPage < ON_EACH_SIDE * 2 + 8) return range(1, lastPage);
  const window = ON_EACH_SIDE + 4;
  const start = [1, 2];
  const finish = [lastPage - 1, lastPage];
  if (page <= window) return [...range(1, window + ON_EACH_SIDE), '...', ...finish];
  if (page > lastPage - window) return [...start, '...', ...range(lastPage - (window + (ON_EACH_SIDE - 1)), lastPage)];
  return [...start, '...', ...range(page - ON_EACH_SIDE, page + ON_EACH_SIDE), '...', ...finish];
}
