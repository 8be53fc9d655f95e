import type { BaseDataKind } from '../domain/base-data';
import { REGIONS } from './regions';

// The base data a new installation starts with. Bump SEED_VERSION when adding entries here: a
// version is applied once, adding what is missing and never touching what exists, so entries an
// administrator changed or deleted stay as they are.

export const SEED_VERSION = 1;

export interface SeedEntry {
  kind: BaseDataKind;
  code: string;
  name: string;
  nameEn: string;
  sortOrder: number;
  parentCode: string | null;
}

type Item = readonly [code: string, name: string, nameEn: string];

const LISTS: Partial<Record<BaseDataKind, Item[]>> = {
  source: [
    ['trade_show', '展会', 'Trade show'], ['website', '官网', 'Website'], ['telemarketing', '电话营销', 'Telemarketing'],
    ['referral', '老客户介绍', 'Customer referral'], ['partner', '合作伙伴', 'Partner'], ['online_ads', '网络推广', 'Online advertising'],
    ['walk_in', '客户来访', 'Walk-in'], ['other', '其他', 'Other'],
  ],
  nature: [
    ['state_owned', '国有企业', 'State-owned enterprise'], ['private', '民营企业', 'Private enterprise'],
    ['foreign', '外资企业', 'Foreign-owned enterprise'], ['joint_venture', '合资企业', 'Joint venture'],
    ['public_institution', '事业单位', 'Public institution'], ['government', '政府机关', 'Government agency'],
    ['individual', '个人', 'Individual'],
  ],
  industry: [
    ['machinery', '机械制造', 'Machinery manufacturing'], ['electronics', '电子', 'Electronics'], ['software', '软件', 'Software'],
    ['internet', '互联网', 'Internet'], ['telecom', '通信', 'Telecommunications'], ['finance', '金融', 'Finance'],
    ['real_estate', '房地产', 'Real estate'], ['construction', '建筑', 'Construction'], ['logistics', '物流', 'Logistics'],
    ['retail', '零售', 'Retail'], ['food_beverage', '食品饮料', 'Food and beverage'], ['textile_apparel', '纺织服装', 'Textiles and apparel'],
    ['chemicals', '化工', 'Chemicals'], ['energy', '能源', 'Energy'], ['environmental', '环保', 'Environmental protection'],
    ['automotive', '汽车', 'Automotive'], ['healthcare', '医疗', 'Healthcare'], ['education', '教育', 'Education'],
    ['agriculture', '农业', 'Agriculture'], ['other', '其他', 'Other'],
  ],
  target_flag: [
    ['strategic', '战略客户', 'Strategic account'], ['key_target', '重点目标', 'Key target'], ['general_target', '一般目标', 'General target'],
  ],
};

function listEntries(): SeedEntry[] {
  return Object.entries(LISTS).flatMap(([kind, items]) =>
    items.map(([code, name, nameEn], index) => ({ kind: kind as BaseDataKind, code, name, nameEn, sortOrder: (index + 1) * 10, parentCode: null })),
  );
}

function regionEntries(): SeedEntry[] {
  return REGIONS.flatMap(({ province: [provinceCode, provinceName, provinceEn], cities }, provinceIndex) => [
    { kind: 'province' as const, code: provinceCode, name: provinceName, nameEn: provinceEn, sortOrder: (provinceIndex + 1) * 10, parentCode: null },
    ...cities.map(([code, name, nameEn], cityIndex) => ({ kind: 'city' as const, code, name, nameEn, sortOrder: (cityIndex + 1) * 10, parentCode: provinceCode })),
  ]);
}

export function seedEntries(): SeedEntry[] {
  return [...listEntries(), ...regionEntries()];
}
