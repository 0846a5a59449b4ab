import { useText } from '../../i18n/use-text';

/** The from/to dates of a period filter, as the compliance views ask for them. */
export function PeriodFields({ from, to, onFrom, onTo }: { from: string; to: string; onFrom: (day: string) => void; onTo: (day: string) => void }) {
  const { t } = useText();
  return (
    <>
      <label>
        {t('compliance.from')}
        <input type="date" value={from} onChange={(event) => onFrom(event.target.value)} />
      </label>
      <label>
        {t('compliance.to')}
        <input type="date" value={to} onChange={(event) => onTo(event.target.value)} />
      </label>
    </>
  );
}
