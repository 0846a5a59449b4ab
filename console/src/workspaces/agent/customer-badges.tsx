import type { CustomerProfile } from '../../api/api-types';
import { useText } from '../../i18n/use-text';
import profileRules from './customer-profile.json';

export function isElderly(customer: CustomerProfile): boolean {
  return customer.age !== undefined && customer.age >= profileRules.elderlyFromAge;
}

/** The customer's profile at a glance: suitability (risk level) and the care an elderly or vulnerable customer needs. */
export function CustomerBadges({ customer, situations }: { customer: CustomerProfile; situations: readonly string[] }) {
  const { t } = useText();
  return (
    <div className="customer-badges" aria-label={t('agent.profile.label')}>
      <span className="badge neutral" data-badge="risk">
        {t('agent.profile.risk')}: {customer.riskLevel ? `${customer.riskLevel} ${t(`agent.risk.${customer.riskLevel}`)}` : t('agent.start.riskUnknown')}
      </span>
      {isElderly(customer) && (
        <span className="badge care" data-badge="elderly">
          <span aria-hidden="true">◆</span> {t('agent.profile.elderly', { age: customer.age ?? '' })}
        </span>
      )}
      {customer.vulnerable && (
        <span className="badge care" data-badge="vulnerable">
          <span aria-hidden="true">◆</span> {t('agent.profile.vulnerable')}
        </span>
      )}
      {situations.map((situation) => (
        <span key={situation} className="badge situation" data-badge="situation" data-situation={situation}>
          <span aria-hidden="true">◎</span> {t('agent.situation.label')}: {t(`agent.situation.${situation}`) === `agent.situation.${situation}` ? situation : t(`agent.situation.${situation}`)}
        </span>
      ))}
    </div>
  );
}
