import { useSearchParams } from '@remix-run/react';
import type { TablePaginationConfig } from 'antd';

/**
 * Filters and the page number of a server-paginated table, kept in the URL so a view can be
 * reloaded, bookmarked and shared. Changing a filter goes back to the first page.
 */
export function useUrlFilters() {
  const [params, setParams] = useSearchParams();
  const setFilter = (key: string, value: string | undefined) => {
    const next = new URLSearchParams(params);
    if (value) next.set(key, value);
    else next.delete(key);
    next.delete('page');
    setParams(next);
  };
  const pagination = (page: number, pageSize: number, total: number): TablePaginationConfig => ({
    current: page,
    pageSize,
    total,
    showSizeChanger: false,
    onChange: (p) => {
      const next = new URLSearchParams(params);
      next.set('page', String(p));
      setParams(next);
    },
  });
  return { params, setFilter, pagination };
}
